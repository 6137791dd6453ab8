import torch

# The anchor RNN beside a one-unit nn.LSTM: every gate 0.01 on x_t, 0.5 on h_(t-1); b_f = 2
x = torch.tensor([100.0, 102.0, 105.0, 103.0, 108.0], dtype=torch.float64)
T = len(x)

# The RNN: dh_5/dh_(t-1) from one backward pass, and each step's local factor
h = [torch.tensor(0.0, dtype=torch.float64, requires_grad=True)]
for x_t in x:
    h.append(torch.tanh(0.5 * h[-1] + 0.01 * x_t))
    h[-1].retain_grad()  # keep dh_5/dh_t on every state, not only on the leaf h_0
h[T].backward(retain_graph=True)
rnn_chain = [h_t.grad.item() for h_t in h]
rnn_local = [torch.autograd.grad(h[t], h[t - 1], retain_graph=True)[0].item() for t in range(1, T + 1)]

# The LSTM, one step at a time through nn.LSTMCell (gate order i, f, g, o), so every C_t is in the graph
cell = torch.nn.LSTMCell(1, 1).double()
with torch.no_grad():
    cell.weight_ih.fill_(0.01)
    cell.weight_hh.fill_(0.5)
    cell.bias_ih.copy_(torch.tensor([0.0, 2.0, 0.0, 0.0]))  # b_i, b_f, b_g, b_o
    cell.bias_hh.zero_()
h_t = torch.zeros(1, 1, dtype=torch.float64)
C = [torch.zeros(1, 1, dtype=torch.float64, requires_grad=True)]  # C_0
f = []
for x_t in x:
    gates = cell.weight_ih @ x_t.reshape(1, 1) + cell.weight_hh @ h_t + (cell.bias_ih + cell.bias_hh)[:, None]
    f.append(torch.sigmoid(gates[1]).item())  # the forget gate f_t this step used
    h_t, C_t = cell(x_t.reshape(1, 1), (h_t, C[-1]))
    C.append(C_t)
# dC_5/dC_(t-1) through every path (the cell, h and the gates), by autograd
full = [torch.autograd.grad(C[T].sum(), C[t - 1], retain_graph=True)[0].item() for t in range(1, T + 1)]

print("| t | RNN local | RNN ∂h₅/∂hₜ₋₁ | fₜ | LSTM cell path ∂C₅/∂Cₜ₋₁ = Π f | LSTM ∂C₅/∂Cₜ₋₁, all paths |")
print("|---:|---:|---:|---:|---:|---:|")
path = 1.0
for t in range(T, 0, -1):
    path *= f[t - 1]  # the cell path alone: the product of forget gates f_t ... f_5
    row = [rnn_local[t - 1], rnn_chain[t - 1], f[t - 1], path, full[t - 1]]
    print(f"| {t} | {row[0]:.4f} | {row[1]:.2e} | {row[2]:.4f} | {row[3]:.4f} | {row[4]:.4f} |")
