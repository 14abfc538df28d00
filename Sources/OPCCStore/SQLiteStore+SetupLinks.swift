import OPCCCore

extension SQLTransaction {
    func noteSignIn(person: String, at: String) throws {
        try execute(sql: "UPDATE person SET last_sign_in_at = ? WHERE name = ?", arguments: [at, person])
    }

    func insertSetupLink(tokenSHA256: String, at: String) throws {
        try execute(
            sql: "INSERT INTO setup_link (token_sha256, created_at) VALUES (?, ?)", arguments: [tokenSHA256, at])
    }

    func setupLink(tokenSHA256: String) throws -> (exists: Bool, usedAt: String?) {
        guard
            let row = try fetchOneRow(
                sql: "SELECT used_at FROM setup_link WHERE token_sha256 = ?", arguments: [tokenSHA256])
        else { return (false, nil) }
        return (true, row[0])
    }

    func useSetupLink(tokenSHA256: String, at: String, by person: String) throws -> Bool {
        try execute(
            sql: "UPDATE setup_link SET used_at = ?, used_by = ? WHERE token_sha256 = ? AND used_at IS NULL",
            arguments: [at, person, tokenSHA256]) == 1
    }
}
