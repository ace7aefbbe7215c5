"""Article -> Annotation, per article and pure: the NLP models and what is read off their parse."""
