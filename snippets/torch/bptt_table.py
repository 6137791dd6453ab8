import torch

# The anchor RNN, h_t = tanh(W_h h_(t-1) + W_x x_t + b), in float64, with autograd doing the chain rule
x = torch.tensor([100.0, 102.0, 105.0, 103.0, 108.0], dtype=torch.float64)
W_h, W_x, b = 0.5, 0.01, 0.0
h = [torch.tensor(0.0, dtype=torch.float64, requires_grad=True)]  # h_0
for x_t in x:
    h.append(torch.tanh(W_h * h[-1] + W_x * x_t + b))
T = len(x)
for h_t in h:
    h_t.retain_grad()  # keep dh_T/dh_t on every state, not only on the leaf h_0

# One backward pass from h_T gives the whole product dh_T/dh_t on every state; then each local factor
h[T].backward(retain_graph=True)
cumulative = [h_t.grad.item() for h_t in h]
local = [torch.autograd.grad(h[t], h[t - 1], retain_graph=True)[0].item() for t in range(1, T + 1)]

print("| t | local ∂hₜ/∂hₜ₋₁ | cumulative ∂h₅/∂hₜ₋₁ |")
print("|---:|---:|---:|")
for t in range(T, 0, -1):
    print(f"| {t} | {local[t - 1]:.4f} | {cumulative[t - 1]:.6f} |")
