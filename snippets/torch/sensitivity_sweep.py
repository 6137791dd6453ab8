import torch

# The article's sweep in PyTorch: for each W_h, run the anchor RNN and backpropagate h_5 to h_0
x = torch.tensor([100.0, 102.0, 105.0, 103.0, 108.0], dtype=torch.float64)
W_x = 0.01
W_hs = [0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0]

print("| W_h | cumulative ∂h₅/∂h₀ | h₅ |")
print("|---:|---:|---:|")
for W_h in W_hs:
    h_0 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    h = h_0
    for x_t in x:
        h = torch.tanh(W_h * h + W_x * x_t)
    h.backward()  # h_0.grad is now dh_5/dh_0, the whole chain
    print(f"| {W_h} | {h_0.grad.item():.8f} | {h.item():.4f} |")
