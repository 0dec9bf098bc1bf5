"""Settings by concern: one model per part of the service, each with the fields (and environment
variables) that part reads, so a signature that takes `CaptureSettings` says what it depends on.

`shared.config.Settings` is all of them at once (it derives from every group, so it can be passed
wherever a group is asked for) and is what the environment is read into, with the same variable names
as the fields and the checks that span groups.
"""
