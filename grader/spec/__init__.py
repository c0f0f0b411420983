"""The exercise format: YAML source, frozen model, loader, catalog, course root. No NumPy, nothing else of grader/."""
