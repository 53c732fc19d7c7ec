// Command ferretdb runs FerretDB v1 embedded, on its SQLite backend, as a
// MongoDB-wire server for local runs and tests. It is built from our own main
// module because `go install …/cmd/ferretdb` panics at start-up on the
// version file that only FerretDB's release tooling generates.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to accept MongoDB clients on")
	data := flag.String("data", ".", "directory holding one SQLite file per database (created if missing)")
	// FerretDB logs every command a client sends that it does not implement
	// (drivers send endSessions on close) as a warning, which floods the log.
	level := flag.String("log-level", "error", "debug, info, warn or error")
	flag.Parse()

	if err := run(*listen, *data, *level); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(listen, data, level string) error {
	var logLevel slog.Level
	if err := logLevel.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel}))

	dir, err := filepath.Abs(data)
	if err != nil {
		return err
	}
	// The SQLite backend refuses a directory that does not exist yet.
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: listen},
		Logger:   logger,
		Handler:  "sqlite",
		// The trailing slash matters: FerretDB treats the URL as a directory only with it.
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		return err
	}

	// Cancelling the context closes the listener, the open connections and the
	// SQLite files, so a stop never leaves a half-written database behind.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	fmt.Fprintf(os.Stderr, "ferretdb: listening on %s, data in %s\n", listen, dir)
	err = f.Run(ctx)
	fmt.Fprintln(os.Stderr, "ferretdb: stopped")
	return err
}
