import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastThreadPool

// Counts the primes below `limit` in `chunks` ranges, each range a JavaScript job on the
// pool's workers: all cores busy, the GUI stays responsive, results appear as they come.
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
            window.primes += result;
            window.jobEnded();
        }
        onFailed: (id, error) => {
            const row = window.rowOf[id];
            if (row === undefined)
                return;
            ranges.setProperty(row, "note", error.name + ": " + error.message);
            window.jobEnded();
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
        startedAt = Date.now();
        elapsed = 0;
        const map = {};
        const step = Math.ceil(limit / chunks);
        for (let i = 0; i < chunks; ++i) {
            const from = i * step;
            const to = Math.min(limit, from + step);
            ranges.append({ from: from, to: to, count: -1, note: "" });
            map[pool.submit("countPrimes", from, to)] = i;
        }
        rowOf = map;
    }

    function jobEnded() {
        ++finished;
        elapsed = Date.now() - startedAt;
    }

    function stop() {
        pool.cancelAll();
        for (let row = 0; row < ranges.count; ++row) {
            if (ranges.get(row).count < 0 && ranges.get(row).note === "")
                ranges.setProperty(row, "note", "cancelled");
        }
        rowOf = {};
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

        // Bound to the pool's counters: jobs completed of jobs submitted since Start.
        ProgressBar {
            Layout.fillWidth: true
            from: 0
            to: Math.max(1, pool.submitted - window.submittedBase)
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

                width: ListView.view.width
                height: 18
                color: count >= 0 ? "#d8f0d8" : note !== "" ? "#f0d8d8" : "#eeeeee"

                Label {
                    anchors.verticalCenter: parent.verticalCenter
                    leftPadding: 6
                    font.pixelSize: 12
                    text: "[" + parent.from + ", " + parent.to + "): "
                          + (parent.count >= 0 ? parent.count + " primes"
                                               : parent.note !== "" ? parent.note : "counting...")
                }
            }
        }
    }
}
