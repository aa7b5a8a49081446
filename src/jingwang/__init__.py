"""jingwang (净网): find the crime in online signals, link it into gangs and chains, route clues."""

__version__ = "0.1.0"
