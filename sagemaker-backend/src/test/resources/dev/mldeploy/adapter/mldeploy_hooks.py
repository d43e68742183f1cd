# test placeholder until core ships the adapter (mldeploy_hooks.py)
