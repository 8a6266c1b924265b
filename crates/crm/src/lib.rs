//! switchboard-crm
