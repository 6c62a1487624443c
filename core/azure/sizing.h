// Sizing a flexible server from the source: the migrated databases' size, max_connections, the
// memory settings and a short sample of the transaction and WAL rate (SourceLoad::measure), turned
// into a tier, SKU, vCores and storage with its IOPS tier (recommendSize), each figure with its
// reason. The offerings are the flexible server's as of 2025 (Burstable Bs, General Purpose
// Ddsv5, Memory Optimized Edsv5; Premium SSD P4 to P80).
#pragma once

#include "pg/conninfo.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QStringList>

#include <chrono>

namespace pgferry::azure {

struct SourceLoad
{
    int version = 0;                         // server_version_num
    QList<QPair<QString, qint64>> databases; // name, bytes
    qint64 totalBytes = 0;
    int maxConnections = 0;
    int connectionsInUse = 0;
    qint64 sharedBuffersBytes = 0;
    qint64 workMemBytes = 0;
    double sampleSeconds = 0;
    double transactionsPerSecond = 0;
    double walBytesPerSecond = 0;

    // Reads the source through `maintenance` (blocking: it waits `sample` between two readings of
    // the commit counters and the WAL position). Throws pg::Exception; a database that does not
    // exist is an error naming it.
    static SourceLoad measure(const pg::ConnInfo &maintenance, const QStringList &databases,
                              std::chrono::milliseconds sample);
    QJsonObject toJson() const;
};

struct SizeRecommendation
{
    QString tier; // Burstable | GeneralPurpose | MemoryOptimized
    QString sku;  // Standard_D4ds_v5
    int vcores = 0;
    int memoryGb = 0;
    int maxConnections = 0; // the SKU's default max_connections
    int storageGb = 0;
    QString storageTier; // P15
    int iops = 0;
    QStringList reasons; // one per figure
    QStringList caveats; // the Burstable tier's, the sample's

    QJsonObject toJson() const; // sku, tier, vcores, memory_gb, storage_gb, storage_tier, iops,
                                // max_connections, reasons, caveats
};

SizeRecommendation recommendSize(const SourceLoad &load);

} // namespace pgferry::azure
