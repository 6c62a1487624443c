// Test doubles for the wizard's GUI tests: an engine driven by the test (statuses, finish), and
// sample services that hand it out. Real servers are used where a test is about them.
#pragma once

#include "engine/migrationengine.h"
#include "sampleservices.h"

#include <QPointer>

namespace pgferry::test {

class FakeEngine : public engine::MigrationEngine
{
    Q_OBJECT
public:
    using MigrationEngine::MigrationEngine;
    void start(Until) override
    {
        ++starts;
        m_status.state = engine::RunState::Running;
    }
    bool requestCutover(QString *whyNot) override
    {
        if (!m_status.readyForCutover()) {
            if (whyNot)
                *whyNot = QStringLiteral("not ready");
            return false;
        }
        cutoverRequested = true;
        return true;
    }
    void stop() override
    {
        ++stops;
        QMetaObject::invokeMethod(this, [this] {
            m_status.state = engine::RunState::Stopped;
            Q_EMIT statusChanged(m_status);
            Q_EMIT finished(false);
        }, Qt::QueuedConnection);
    }
    engine::MigrationStatus status() const override { return m_status; }
    void publish(const engine::MigrationStatus &s)
    {
        m_status = s;
        Q_EMIT statusChanged(s);
    }
    int starts = 0;
    int stops = 0;
    bool cutoverRequested = false;

private:
    engine::MigrationStatus m_status;
};

class FakeEngineServices : public wizard::SampleServices
{
public:
    std::unique_ptr<engine::MigrationEngine> createEngine(const project::Project &, const wizard::Credentials &, QString *) override
    {
        auto e = std::make_unique<FakeEngine>();
        engine = e.get();
        return e;
    }
    std::optional<engine::MigrationStatus> lastRunStatus(const project::Project &) override { return last; }
    QPointer<FakeEngine> engine;
    std::optional<engine::MigrationStatus> last;
};

} // namespace pgferry::test
