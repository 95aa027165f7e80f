// Command local-provisioner provisions PersistentVolumes for a single-node test cluster: for every pending
// claim of its StorageClass it makes a directory under -root and a `local` PersistentVolume pinned to the node
// and pre-bound to the claim; when a released volume's reclaim policy is Delete it removes the directory and the
// volume. It runs on the host next to the kubelet (scripts/k8s/cluster.sh starts it).
//
// Why not the controller-manager's hostPath provisioner: it makes its directories 0750 root under /tmp, and
// hostPath volumes ignore fsGroup, so a non-root pod (Pod Security "restricted") cannot write to its own
// claim. `local` volumes honour fsGroup like a real block-device volume, and local PersistentVolumes accept
// the ReadWriteOncePod access mode.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	storagelisters "k8s.io/client-go/listers/storage/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	annStorageProvisioner     = "volume.kubernetes.io/storage-provisioner"
	annBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner"
	annProvisionedBy          = "pv.kubernetes.io/provisioned-by"
)

type provisioner struct {
	name   string
	node   string
	root   string
	client kubernetes.Interface
	claims corelisters.PersistentVolumeClaimLister
	pvs    corelisters.PersistentVolumeLister
	scs    storagelisters.StorageClassLister
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	name := flag.String("name", "zapdeploy.local/local-dir", "provisioner name (the StorageClass's provisioner)")
	node := flag.String("node", "", "the node the volumes live on")
	root := flag.String("root", "", "directory holding one sub-directory per volume")
	flag.Parse()
	if *kubeconfig == "" || *node == "" || *root == "" {
		log.Fatal("-kubeconfig, -node and -root are required")
	}
	if err := os.MkdirAll(*root, 0o711); err != nil {
		log.Fatal(err)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	client := kubernetes.NewForConfigOrDie(config)
	factory := informers.NewSharedInformerFactory(client, 5*time.Minute)
	p := &provisioner{
		name: *name, node: *node, root: *root, client: client,
		claims: factory.Core().V1().PersistentVolumeClaims().Lister(),
		pvs:    factory.Core().V1().PersistentVolumes().Lister(),
		scs:    factory.Storage().V1().StorageClasses().Lister(),
	}
	wake := make(chan struct{}, 1)
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}
	for _, informer := range []cache.SharedIndexInformer{
		factory.Core().V1().PersistentVolumeClaims().Informer(),
		factory.Core().V1().PersistentVolumes().Informer(),
		factory.Storage().V1().StorageClasses().Informer(),
	} {
		if _, err := informer.AddEventHandler(handler); err != nil {
			log.Fatal(err)
		}
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	log.Printf("provisioning %s volumes for node %s under %s", p.name, p.node, p.root)
	retry := time.NewTicker(5 * time.Second)
	defer retry.Stop()
	for {
		p.reconcile(ctx)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-retry.C:
		}
	}
}

func (p *provisioner) reconcile(ctx context.Context) {
	claims, err := p.claims.List(labels.Everything())
	if err != nil {
		log.Print(err)
		return
	}
	for _, claim := range claims {
		if err := p.provision(ctx, claim); err != nil {
			log.Printf("claim %s/%s: %v", claim.Namespace, claim.Name, err)
		}
	}
	volumes, err := p.pvs.List(labels.Everything())
	if err != nil {
		log.Print(err)
		return
	}
	for _, pv := range volumes {
		if err := p.reclaim(ctx, pv); err != nil {
			log.Printf("volume %s: %v", pv.Name, err)
		}
	}
}

func (p *provisioner) provision(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	if claim.Spec.VolumeName != "" || claim.Status.Phase != corev1.ClaimPending || claim.DeletionTimestamp != nil {
		return nil
	}
	if claim.Annotations[annStorageProvisioner] != p.name && claim.Annotations[annBetaStorageProvisioner] != p.name {
		return nil
	}
	if claim.Spec.StorageClassName == nil {
		return nil
	}
	class, err := p.scs.Get(*claim.Spec.StorageClassName)
	if err != nil {
		return err
	}
	if class.VolumeBindingMode != nil && *class.VolumeBindingMode == "WaitForFirstConsumer" {
		if selected := claim.Annotations["volume.kubernetes.io/selected-node"]; selected == "" {
			return nil
		} else if selected != p.node {
			return fmt.Errorf("selected node %s is not %s", selected, p.node)
		}
	}
	if claim.Spec.VolumeMode != nil && *claim.Spec.VolumeMode == corev1.PersistentVolumeBlock {
		return fmt.Errorf("block volumes are not supported")
	}
	pvName := "pvc-" + string(claim.UID)
	if _, err := p.pvs.Get(pvName); err == nil {
		return nil
	}
	dir := filepath.Join(p.root, pvName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	filesystem := corev1.PersistentVolumeFilesystem
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        pvName,
			Annotations: map[string]string{annProvisionedBy: p.name},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: claim.Spec.Resources.Requests[corev1.ResourceStorage]},
			AccessModes:                   claim.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              class.Name,
			MountOptions:                  class.MountOptions,
			VolumeMode:                    &filesystem,
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1",
				Namespace: claim.Namespace, Name: claim.Name, UID: claim.UID, ResourceVersion: claim.ResourceVersion,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: dir}},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{p.node},
				}},
			}}}},
		},
	}
	if len(pv.Spec.AccessModes) == 0 {
		pv.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
	}
	if _, err := p.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	log.Printf("provisioned %s for %s/%s at %s", pvName, claim.Namespace, claim.Name, dir)
	return nil
}

func (p *provisioner) reclaim(ctx context.Context, pv *corev1.PersistentVolume) error {
	if pv.Annotations[annProvisionedBy] != p.name || pv.Status.Phase != corev1.VolumeReleased ||
		pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete || pv.DeletionTimestamp != nil {
		return nil
	}
	if pv.Spec.Local != nil && filepath.Dir(pv.Spec.Local.Path) == filepath.Clean(p.root) {
		if err := os.RemoveAll(pv.Spec.Local.Path); err != nil {
			return err
		}
	}
	err := p.client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{
		Preconditions: &metav1.Preconditions{UID: &pv.UID},
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	log.Printf("deleted %s", pv.Name)
	return nil
}
