use super::*;

#[test]
fn shared_secrets() {
    assert_eq!(check_shared_secret("s3cret", Some("s3cret")), Ok(()));
    assert_eq!(
        check_shared_secret("s3cret", Some("s3cre")),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        check_shared_secret("s3cret", None),
        Err(VerifyError::Missing)
    );
    assert_eq!(
        check_shared_secret("", Some("")),
        Err(VerifyError::Mismatch)
    );
}
