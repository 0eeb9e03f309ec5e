"""Statistics: figures per unit, category, district, channel and period, from ticket facts."""
