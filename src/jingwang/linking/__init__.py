"""Linking: case matching (串并案/比中), gang discovery and chain roles over the indicator graph."""
