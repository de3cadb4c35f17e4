"""One module per API area; each exposes ``ROUTES: list[Route]`` and is discovered automatically."""
