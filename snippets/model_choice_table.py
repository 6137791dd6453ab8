from lstmgrad.tables import model_choice_table

# The article's advice; each Evidence cell links to a measurement once one exists
evidence = {
    "short": "not yet measured",
    "medium": "not yet measured",
    "long": "not yet measured",
    "variable": "not yet measured",
}
print(model_choice_table(evidence))
