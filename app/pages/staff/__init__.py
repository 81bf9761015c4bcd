"""The staff desk: log an interception (also offline), my records, attendance."""
