"""A small notes API laid out the way a larger FastAPI service is."""
