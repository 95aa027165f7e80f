// Command pause is the pod sandbox's process: it holds the pod's namespaces, reaps orphaned children when it
// is PID 1 of a shared PID namespace, and exits on SIGINT or SIGTERM. Built static and packed into a
// one-layer image by scripts/k8s/build.sh (no registry is reachable to pull registry.k8s.io/pause).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
