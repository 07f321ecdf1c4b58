"""One module per rewrite rule."""
