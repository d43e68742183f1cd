"""mldeploy's serving adapter: runs a model written for the SageMaker inference toolkit (inference.py with
model_fn and predict_fn or transform_fn) in the SageMaker container, the Lambda function and the local target.

    hooks           loads inference.py and runs its hooks (optional context argument, transform_fn)
    content         default decoders and encoders by content type and accept
    errors          request errors (4xx) and the model error body
    serve           the SageMaker contract over pre-forked workers
    lambda_handler  the Lambda handler and its local serve mode

Entry points: mldeploy_serve.py and mldeploy_lambda.py, beside this package. Standard library only (numpy
optional).
"""
