from lstmgrad.tables import model_choice_table

# The article's advice; each Evidence cell links to a measurement once one exists
evidence = {
    "short": "not yet measured",
    "medium": (
        "Qualified: at equal budget the LSTM solved the crash at lag 20 but not at 90, where "
        "single-head attention did ([Beyond recurrence](beyond.md#crash-attention))"
    ),
    "long": (
        "Supported on the crash task: at lags 200 and 500 attention was solved at equal budget "
        "and the LSTM stayed at chance ([Beyond recurrence](beyond.md#crash-attention))"
    ),
    "variable": (
        "Partly measured: full attention's stored activations grow as T² against the LSTM's T "
        "([memory](beyond.md#memory)); parallel hardware not measured"
    ),
}
print(model_choice_table(evidence))
