from lstmgrad.present.experiments import rnn_control_table
from lstmgrad.studies.followups import rnn_control_lr_records

# Section 3's control at two learning rates: 0.01, the rate it had before the pilot (and the one
# the orthogonal start preferred in it), and 0.03, the pilot's choice for the tanh RNN; seeds 0-9
for lr in (0.01, 0.03):
    print(f"**learning rate {lr:g}**\n")
    print(rnn_control_table(rnn_control_lr_records(lrs=(lr,), seeds=range(10))), end="\n\n")
