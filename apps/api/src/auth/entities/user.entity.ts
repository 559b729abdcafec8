import { Column, Entity, PrimaryColumn } from 'typeorm';

/** admin: everything; viewer: reads everything, changes nothing but their own password and sessions. */
export type UserRole = 'admin' | 'viewer';
export const USER_ROLES: readonly UserRole[] = ['admin', 'viewer'];

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: UserRole;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
