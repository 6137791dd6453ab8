"""Presentation: Markdown tables, figures, diagrams and the explorable's markup, built from what
`lstmgrad.studies` computes. Nothing here does the math, and no trained result depends on it."""
