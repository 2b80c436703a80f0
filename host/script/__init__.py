"""Script writers: what the host says about a product, with the facts it states."""
