"""Hot-spot early warning (热点预警): demands concentrating by category, district and topic."""
