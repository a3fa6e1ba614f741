"""AWS adapters: cached boto3 clients, the app secret, the emoji bucket.

Only the AWS deployment imports this package, so boto3 stays out of the local path.
"""
