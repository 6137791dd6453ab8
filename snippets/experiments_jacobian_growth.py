import numpy as np

from lstmgrad.present.experiments import growth_table
from lstmgrad.studies.exploding import jacobian_growth

# A non-normal W_h with spectral radius 0.9. Each step's Jacobian is diag(tanh'(z_t)) W_h;
# each pattern of tanh' slopes (one value per hidden unit) repeats at every step
W_h = 0.9 * np.array([[2.0, -3.0], [3.0, -4.0]])
patterns = {
    "(1, 1): no saturation": [(1.0, 1.0)],
    "(0.5, 1): unit 1 half saturated": [(0.5, 1.0)],
    "(1, 1) and (0.5, 1) in turn": [(1.0, 1.0), (0.5, 1.0)],
}
print(growth_table(jacobian_growth(W_h, patterns, span=50)))
