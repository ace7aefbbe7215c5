"""Annotations -> Brief: the story index, summary, citations, claims, quotes, actors, timeline."""
