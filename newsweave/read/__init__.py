"""Inputs -> Articles: finding and decoding files, parsing their formats, removing boilerplate."""
