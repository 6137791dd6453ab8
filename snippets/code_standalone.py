# Paste into any Python with numpy: the BPTT table for a one-unit tanh RNN.
import numpy as np

sequence = [100, 102, 105, 103, 108]  # x_t, five closing prices
W_h, W_x, b, h_0 = 0.5, 0.01, 0.0, 0.0

# Forward pass, keeping every pre-activation z_t
z = []
h = h_0
for x_t in sequence:
    z_t = W_h * h + W_x * x_t + b
    h = np.tanh(z_t)
    z.append(z_t)

# One step back multiplies the gradient by dh_t/dh_{t-1} = W_h * tanh'(z_t)
local = [W_h * (1.0 - np.tanh(z_t) ** 2) for z_t in z]

# Walk back from the last step; after step t the product is dh_T/dh_{t-1}
print("| t | local | cumulative |")
print("|---:|---:|---:|")
cumulative = 1.0
for t in range(len(sequence), 0, -1):
    cumulative *= local[t - 1]
    print(f"| {t} | {local[t - 1]:.4f} | {cumulative:.6f} |")
