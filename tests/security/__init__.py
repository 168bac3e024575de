"""Security checks on a running platform, shared by the integration tests and `make reliability`.

    from tests.security.platform import PlatformAccess
    access = PlatformAccess(urls={"profiles": ..., "matching": ..., "placements": ..., "notifications": ...,
                                  "console": ...}, operator_token=..., link_signing_key=..., mail_url=...,
                            log_folder=Path(...))

    await authz.run_authorization_matrix(access) -> MatrixReport          .authz_cells, .authz_violations
    await fuzz.run_fuzz(access, examples=N) -> FuzzReport                 .fuzz_requests, .fuzz_5xx
    await fuzz.run_hostile_inputs(access) -> FuzzReport                   .fuzz_requests, .fuzz_5xx
    await personal_data.run_personal_data_scan(access) -> PersonalDataReport   .pii_in_logs

Each creates its own agencies, people and records through the public APIs (regions of their own) and
reports figures and findings, never raising on a finding (only when the platform cannot be used)."""
