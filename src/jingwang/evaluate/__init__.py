"""Score what jingwang produced for a simulated world against that world's truth."""
