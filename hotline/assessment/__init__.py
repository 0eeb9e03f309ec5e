"""Assessment (考核): each profile's scoring scheme applied to the recorded history."""
