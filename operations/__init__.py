"""Running the product as a regulated system (JR/T 0059 backups, JR/T 0099 operation and
maintenance): health and readiness for a load balancer, metrics for a monitor, backups and
the restore drill, and the alerts to the operators."""
