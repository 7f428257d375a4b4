#pragma once

#include "nodesnapshot.h"

#include <QDateTime>
#include <QMetaType>
#include <memory>

namespace vigil {

// Base of the immutable results that PgTaskWorker tasks deliver. Shared as pointer-to-const:
// a pg_stat_statements snapshot of thousands of rows crosses threads without a copy.
struct TaskResult
{
    virtual ~TaskResult() = default;
    QString task; // which task produced it ("statements", "activity", "cache")
    QString node;
    quint64 generation = 0;
    QDateTime sampledAt;
    bool ok = false;
    QString error;
    Diagnosis diagnosis;
    QList<Finding> findings; // missing extension / privilege, with the SQL that fixes it
};
using TaskResultPtr = std::shared_ptr<const TaskResult>;

} // namespace vigil

Q_DECLARE_METATYPE(vigil::TaskResultPtr)
