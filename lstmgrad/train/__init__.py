"""Training, no framework: initialisers (`params`), the loss (`loss`), Adam and clipping
(`optim`), and the one training loop with early stopping (`loop`)."""
