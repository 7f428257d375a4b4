#pragma once

#include <QString>

namespace vigil {

// A failure put the way an operator needs it: what failed, why, what to do.
struct Diagnosis
{
    QString what; // "cannot connect to pg2 (127.0.0.1:5433)"
    QString why; // the server's or library's own words
    QString todo; // the next step, with the exact SQL or setting where there is one
    QString toText() const;
};

// Classifies a libpq connect or query error (malformed conninfo, refused, timeout, unknown
// host, password, pg_hba, missing database or role, privilege, extension).
Diagnosis diagnosePg(const QString& node, const QString& rawError);
// Classifies a hiredis/Redis/Sentinel error (refused, timeout, AUTH/WRONGPASS, NOAUTH,
// unknown master name, no quorum).
Diagnosis diagnoseRedis(const QString& node, const QString& rawError);

} // namespace vigil
