__version__ = "4.20.0"
