"""Marshmallow schemas of the API, one module per resource."""
