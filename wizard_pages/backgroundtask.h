// Runs a blocking call (a WizardServices call) on the thread pool and hands its result to a
// callback on the GUI thread. If `context` is destroyed first, the callback is dropped; the
// work still finishes on its thread with its own copies of the data.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <type_traits>

namespace pgferry::wizard {

template<typename Work, typename Done> void runInBackground(QObject *context, Work work, Done done)
{
    using R = std::invoke_result_t<Work>;
    auto *watcher = new QFutureWatcher<R>(context);
    QObject::connect(watcher, &QFutureWatcher<R>::finished, context,
                     [watcher, done = std::move(done)]() mutable {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace pgferry::wizard
