from lstmgrad.present.tables import model_choice_table

# The article's advice; each Evidence cell links to a measurement once one exists
evidence = {
    "short": (
        "Supported for lags up to 10, where every model solved the crash on 10 seeds of 10 (8,192 "
        "sequences each); plain training of the RNN already failed with some seeds at lag 20 "
        "([Experiments](experiments.md#1-accuracy-against-lag))"
    ),
    "medium": (
        "Qualified: at equal budget (8,192 sequences, 10 seeds) the LSTM solved the crash at lag 20 but, "
        "with forget bias 1, "
        "not at 90, where single-head attention did "
        "([Beyond recurrence](beyond.md#crash-attention)). The LSTM "
        "bridged lags 50 and 90 only with standardised inputs and a forget gate started near one "
        "([Experiments](experiments.md#5-what-it-takes-for-an-lstm-to-bridge-lag-90))"
    ),
    "long": (
        "Not established: with 1,024 training sequences per model and 10 seeds at lags 200 and 500, "
        "attention was solved on more seeds than a chrono-initialised LSTM but not on every seed; the budget "
        "may set this crossover ([Beyond recurrence](beyond.md#crash-attention))"
    ),
    "variable": (
        "Partly measured: full attention's stored activations grow as T² against the LSTM's T "
        "([memory](beyond.md#memory)); parallel hardware not measured"
    ),
}
print(model_choice_table(evidence))
