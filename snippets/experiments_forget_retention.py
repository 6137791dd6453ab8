from lstmgrad.present.tables import forget_retention_table

# At initialisation f_t ≈ σ(b_f): the share of the cell state kept over 50 and 90 steps.
# chrono draws b_f = log u, u ~ U(1, T − 1), with T = 90 + 5 at lag 90
print(forget_retention_table(b_fs=[0, 1, 3, 5], lags=[50, 90], chrono_T=95))
