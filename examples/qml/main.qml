import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastThreadPool

// Counts the primes below `limit` in `chunks` ranges, each range a JavaScript job on the
// pool's workers: all cores busy, the GUI stays responsive, results appear as they come.
// Each running range shows its own progress (progress() inside the job); Cancel stops the
// running ranges too, and cancelled ranges are shown apart from counted ones.
ApplicationWindow {
    id: window

    property bool autoStart: false // set by --screenshot
    property int limit: 3000000
    property int chunks: 24
    property real startedAt: 0
    property real elapsed: 0
    property int primes: 0
    property int finished: 0
    property real submittedBase: 0
    property real completedBase: 0
    property real cancelledBase: 0
    property var rowOf: ({}) // job id -> row of `ranges`

    signal allDone() // every range counted and the pool idle

    width: 560
    height: 520
    visible: true
    title: qsTr("Primes on %1 threads").arg(pool.maxChildren)

    ThreadPool {
        id: pool
        source: "primes.js"
        onDone: (id, result) => {
            const row = window.rowOf[id];
            if (row === undefined)
                return;
            ranges.setProperty(row, "count", result);
            ranges.setProperty(row, "state", "done");
            ranges.setProperty(row, "fraction", 1);
            window.primes += result;
            window.jobEnded();
        }
        onFailed: (id, error) => {
            const row = window.rowOf[id];
            if (row === undefined)
                return;
            ranges.setProperty(row, "note", error.name + ": " + error.message);
            ranges.setProperty(row, "state", "failed");
            window.jobEnded();
        }
        // A range stopped while it ran (Cancel): its end, instead of done.
        onJobCancelled: id => {
            const row = window.rowOf[id];
            if (row !== undefined)
                ranges.setProperty(row, "state", "cancelled");
        }
        // The latest progress of a running range, at most every 16 ms per range.
        onProgress: (id, value, maximum, text) => {
            const row = window.rowOf[id];
            if (row === undefined)
                return;
            const state = ranges.get(row).state;
            if (state === "waiting" || state === "running") {
                ranges.setProperty(row, "state", "running");
                ranges.setProperty(row, "fraction", value / maximum);
            }
        }
        // Emitted once the pool ran dry and its counters settled.
        onIdle: {
            if (window.finished === window.chunks && window.chunks > 0)
                window.allDone();
        }
    }

    ListModel {
        id: ranges
    }

    function start() {
        ranges.clear();
        primes = 0;
        finished = 0;
        submittedBase = pool.submitted;
        completedBase = pool.completed;
        cancelledBase = pool.cancelled;
        startedAt = Date.now();
        elapsed = 0;
        const map = {};
        const step = Math.ceil(limit / chunks);
        for (let i = 0; i < chunks; ++i) {
            const from = i * step;
            const to = Math.min(limit, from + step);
            ranges.append({ from: from, to: to, count: -1, note: "", state: "waiting",
                            fraction: 0 });
            map[pool.submit("countPrimes", from, to)] = i;
        }
        rowOf = map;
    }

    function jobEnded() {
        ++finished;
        elapsed = Date.now() - startedAt;
    }

    // Queued ranges are dropped (no signal follows for them), running ones stop and end
    // with jobCancelled.
    function stop() {
        pool.cancelAll();
        for (let row = 0; row < ranges.count; ++row) {
            if (ranges.get(row).state === "waiting")
                ranges.setProperty(row, "state", "cancelled");
        }
    }

    Component.onCompleted: {
        if (autoStart)
            start();
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        Label {
            text: qsTr("Primes below %1, counted by JavaScript jobs on %2 worker threads")
                  .arg(window.limit).arg(pool.maxChildren)
            font.bold: true
        }

        RowLayout {
            Button {
                text: qsTr("Start")
                enabled: pool.pending === 0
                onClicked: window.start()
            }
            Button {
                text: qsTr("Cancel")
                enabled: pool.pending > 0
                onClicked: window.stop()
            }
        }

        // Bound to the pool's counters: jobs completed of the jobs submitted since Start that
        // were not cancelled, so Cancel does not make the bar jump to the end.
        ProgressBar {
            Layout.fillWidth: true
            from: 0
            to: Math.max(1, (pool.submitted - window.submittedBase)
                            - (pool.cancelled - window.cancelledBase))
            value: pool.completed - window.completedBase
        }

        Label {
            text: qsTr("%1 primes found, %2 of %3 ranges done in %4 ms; %5 of %6 workers busy")
                  .arg(window.primes).arg(window.finished).arg(window.chunks)
                  .arg(window.elapsed).arg(pool.busy).arg(pool.maxChildren)
        }

        ListView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ranges
            delegate: Rectangle {
                required property int from
                required property int to
                required property int count
                required property string note
                required property string state
                required property real fraction

                width: ListView.view.width
                height: 18
                color: state === "done" ? "#d8f0d8" : state === "failed" ? "#f0d8d8"
                     : state === "cancelled" ? "#f0e6c8" : "#eeeeee"

                // A running range's own progress, under its text.
                Rectangle {
                    visible: parent.state === "running"
                    width: parent.width * parent.fraction
                    height: parent.height
                    color: "#c8dcf0"
                }

                Label {
                    anchors.verticalCenter: parent.verticalCenter
                    leftPadding: 6
                    font.pixelSize: 12
                    text: "[" + parent.from + ", " + parent.to + "): "
                          + (parent.state === "done" ? parent.count + " primes"
                             : parent.state === "failed" ? parent.note
                             : parent.state === "cancelled" ? "cancelled"
                             : parent.state === "running"
                               ? "counting... " + Math.round(parent.fraction * 100) + " %"
                             : "waiting")
                }
            }
        }
    }
}
