"""Training data: motion capture (CMU and ReActIdle BVH, lab marker trials) to H36M-17, a body
model, posture and bone augmentation, virtual cameras, the dataset file and its splits by
person. The names are re-exported by :mod:`abspose.data`."""
