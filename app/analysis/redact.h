#pragma once

#include <QString>

namespace vigil::analysis {

// Statement texts come from other sessions and are shown, exported and stored locally. Utility
// statements are not normalized by pg_stat_statements, so `CREATE ROLE x PASSWORD 'secret'` or a
// `dblink_connect('... password=secret')` would carry a credential into Vigil's tables, CSV
// files and history. This replaces such values with ******** before anything keeps the text.
QString redactSecrets(const QString& sql);

} // namespace vigil::analysis
