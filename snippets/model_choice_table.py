from lstmgrad.present.experiments import count, p_value
from lstmgrad.present.tables import model_choice_table
from lstmgrad.studies.beyond import crash_records
from lstmgrad.studies.experiments import bridge_records, lag_records
from lstmgrad.studies.followups import long_records
from lstmgrad.studies.stats import fisher_exact, solved_count

# The committed crash-task runs behind each row: 10 seeds per cell; a seed solves at >= 95 % test accuracy
lags = lag_records(("rnn", "lstm", "gru"), lags=(10, 20), seeds=range(10), budget=8192)
bridge = bridge_records(scales=("std",), b_fs=(5.0, "chrono"), lags=(90,), seeds=range(10), budget=8192)
crash = crash_records(budgets={90: 8192}, seeds=range(10))  # the Beyond page's models at lag 90
# lags 200 and 500 at the main budget (8,192 sequences), each model at its piloted learning rate
long = long_records(("attention", "lstm_chrono", "lstm_b_f_5", "rnn_orthogonal"), lags=(200, 500))


def solved(records, **cell):  # "k/10 [95 % Wilson interval]"
    acc = records.get(**cell)["accuracy"]
    return count(solved_count(acc), len(acc))


def fisher(records, a, b, **cell):  # Fisher's exact test, two-sided, on two cells' solved counts
    k = [solved_count(records.get(model=m, **cell)["accuracy"]) for m in (a, b)]
    return p_value(fisher_exact(k[0], 10, k[1], 10))


evidence = {
    "short": (
        f"Supported for lags up to 10: seeds solved at lag 10, tanh RNN {solved(lags, model='rnn', L=10)}, "
        f"LSTM {solved(lags, model='lstm', L=10)}, GRU {solved(lags, model='gru', L=10)} (8,192 sequences "
        f"each); at lag 20 plain training of the RNN solved {solved(lags, model='rnn', L=20)} "
        "([Experiments](experiments.md#1-accuracy-against-lag))"
    ),
    "medium": (
        f"Qualified: at equal budget (8,192 sequences) the LSTM with forget bias 1 solved lag 20 on "
        f"{solved(lags, model='lstm', L=20)} seeds but lag 90 on {solved(crash, model='lstm', L=90)}, where "
        f"single-head attention solved {solved(crash, model='attention', L=90)} "
        "([Beyond recurrence](beyond.md#crash-attention)). Started with its forget gate near one and "
        f"fed standardised inputs, it solved lag 90 on {solved(bridge, scale='std', b_f=5.0, L=90)} "
        f"(b_f = 5) and {solved(bridge, scale='std', b_f='chrono', L=90)} (chrono) "
        "([Experiments](experiments.md#5-what-it-takes-for-an-lstm-to-bridge-lag-90))"
    ),
    "long": (
        "Supported for attention; for the LSTM it depends on the start: at the main budget (8,192 "
        f"sequences, seeds 0–9), attention solved {solved(long, model='attention', L=200)} at lag 200 and "
        f"{solved(long, model='attention', L=500)} at 500; the chrono-initialised LSTM, whose start is told "
        f"the lag (T_max = L + 5), {solved(long, model='lstm_chrono', L=200)} and "
        f"{solved(long, model='lstm_chrono', L=500)}; the LSTM with b_f = 5 "
        f"{solved(long, model='lstm_b_f_5', L=200)} and {solved(long, model='lstm_b_f_5', L=500)} (fewer "
        f"than attention, Fisher's exact test: {fisher(long, 'attention', 'lstm_b_f_5', L=200)} and "
        f"{fisher(long, 'attention', 'lstm_b_f_5', L=500)}); the orthogonal tanh RNN "
        f"{solved(long, model='rnn_orthogonal', L=200)} and {solved(long, model='rnn_orthogonal', L=500)} "
        "([Beyond recurrence](beyond.md#long-main-budget))"
    ),
    "variable": (
        "Partly measured: full attention's stored activations grow as T² against the LSTM's T "
        "([memory](beyond.md#memory)); parallel hardware not measured"
    ),
}
print(model_choice_table(evidence))
