"""The fake's HTTP layer: thin per-area modules that parse requests and shape responses."""
