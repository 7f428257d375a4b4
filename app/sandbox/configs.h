#pragma once

#include "state.h"

#include <QString>

// The configuration files of the sandbox servers, as text. Ports and paths come from State.
namespace vigil::sandbox::configs {

// Appended to the primary's postgresql.conf once (pg_basebackup copies it to the replica).
QString postgresShared();
// The node's own port and socket directory, appended to its postgresql.auto.conf (read last, so
// it wins over anything pg_basebackup or pg_rewind copied from the other node).
QString postgresNode(const State& state, int port);
// Appended to the primary's postgresql.auto.conf while `up` seeds it (the seed skips the WAL), then
// removed again with a restart: pg_basebackup, replicas and pg_rewind need the shared settings.
QString postgresSeeding();
// A postgresql.auto.conf holding only settings (after the header initdb writes).
QString postgresAuto(const QString& settings = {});
QString pgHba();
QString pgbouncerIni(const State& state);
QString pgbouncerUsers();
QString redis(const State& state, int index); // index 1 = master, 2 = replica
QString sentinel(const State& state, int index); // 1..3

bool writeFile(const QString& path, const QString& text, QString* error, bool append = false);

} // namespace vigil::sandbox::configs
