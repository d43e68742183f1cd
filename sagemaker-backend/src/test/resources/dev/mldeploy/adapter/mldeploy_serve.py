# test placeholder until core ships the adapter (mldeploy_serve.py)
