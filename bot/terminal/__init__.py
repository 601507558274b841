"""The terminal front: the same application driven from a terminal chat over a recording request."""
